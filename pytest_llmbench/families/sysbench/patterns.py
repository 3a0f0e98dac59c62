"""The classification table: wording family → pattern → check builder, one row each.

A row's pattern must match a whole *clause* of the skeleton (``wording.prepare``: each quoted
literal, run of bare emoji, JSON template and numbering example is one placeholder character;
the rest is NFKC and lower case). ``classify.py`` cuts a constraint into clauses, handles a
condition in front and decides program / partial / judge; this table only says which clause
wordings a program understands and which check each one means. Macros (``vocabulary.MACROS``):
``<R>`` a reply subject (回复中, 每次回答的), ``<M>`` modal words (必须, 需要, 都), ``<NOT>`` a
negation, ``<L>``/``<LIT>``/``<LITS>`` one literal / the literal / a list of literals, ``<N>`` a
number, ``<ZCMP>``/``<ZPOST>`` operators before/after it, ``<E>`` "emoji", ``<LANG>`` a language;
``<ER>``/``<EM>``/``<ENOT>``/``<ECMP>``/``<EPOST>``/``<EE>``/``<EN_N>`` their English twins.
Rows are tried in order; the first whose builder accepts the clause wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pytest_llmbench.families.sysbench import builders as b
from pytest_llmbench.families.sysbench.vocabulary import MACROS
from pytest_llmbench.families.sysbench.wording import Wording


@dataclass(frozen=True)
class Family:
    name: str
    pattern: re.Pattern[str]
    build: b.Build


def _rows(*rows: tuple[str, str, b.Build]) -> tuple[Family, ...]:
    out = []
    for name, pattern, build in rows:
        for macro, value in MACROS.items():
            pattern = pattern.replace(f"<{macro}>", value)
        out.append(Family(name, re.compile(pattern), build))
    return tuple(out)


_TELL = "告知|告诉|提醒|通知|回复|回答|答复|输出|说|表示|声明|强调|注明|标注|说明|回应"
_HAS = (
    "加入|包含|包括|带上|带有|含有|出现|提及|提到|使用|用到|加上|附上|附带|添加|写上|写出|体现|插入|"
    "涵盖|写入|嵌入|有"
)
_NOT_VERB = "出现|包含|包括|使用|用|提及|提到|说|说出|含有|带有|带|加入|涉及|写|写出|输出|有|添加|加|用到|采用"
_REPLY_VERB = "回答|回复|作答|输出|答复|回应|进行回答|来回答|完成|呈现|展开"
_CONTENT = "总结|概括|介绍|说明|描述|翻译|复述|论述|阐述|点评|评价|列出|列举"
_APART = (
    r"(?P<apart>,?(?:且|并且|并|要)?(?:分布|分散|出现|放|位于)在不同(?:的)?(?:位置|地方)"
    r"|,?(?:且|并且|并)?(?:彼此|之间)?(?:不能|不要|不可以|不得|不可)(?:相邻|连在一起|挨在一起|连续出现|连用"
    r"|连续使用|放在一起|紧挨着))?"
)
_NO_ADJ = r"(?:相邻|连在一起|挨在一起|连续出现|连用|连续使用|放在一起|紧挨着)"

FAMILIES: tuple[Family, ...] = _rows(
    # --- starts / ends with a literal -------------------------------------------------------
    ("starts_with", r"<M><R><M>(?:以|用)(?:表情|emoji|符号|一句话?)?<CASEW><LIT>(?:这一|这个|的)?(?:<E>|符号)?(?:作为|为|来)?<START>", b.one("starts_with")),
    ("starts_with", r"<M><R>(?:的)?(?:开头|开始|第一句话?|首句|第一个词)<M>(?:是|为|写|写上|使用|用|加上|加|必须是|应该是|应为)(?::)?<CASEW><LIT>(?:这一|这个|的)?(?:<E>|符号)?", b.one("starts_with")),
    ("starts_with", r"<M>(?:在)?<R>(?:的)?(?:开头|开始|最前面|最开始|起始)(?:处|部分)?<M>(?:回答|写上|写|加上|加|添加|说|输出|附上|使用|用|放|放上|插入|注明|标注|带上|打上|回复)(?::)?<CASEW><LIT>(?:这一|这个|的)?(?:<E>|符号)?", b.one("starts_with")),
    ("starts_with", r"(?:<ER> )?<EM>(?:begin|start|open)s?(?: (?:each|every|your|the) (?:reply|response|answer|message)s?)? (?:with|by saying|by writing)(?: the (?:exact )?(?:word|words|phrase|sentence|emoji|greeting|text))?:? <LIT>", b.one("starts_with")),
    ("ends_with", r"<M><R><M>(?:以|用)(?:表情|emoji|符号|一句话?)?<CASEW><LIT>(?:这一|这个|的)?(?:<E>|符号|这句话)?(?:作为|为|来)?<END>", b.one("ends_with")),
    ("ends_with", r"<M>(?:在)?<R>(?:的)?(?:<END>|最后一句话?|最后一行|最后)(?:处|部分)?<M>(?:是|为|写|写上|使用|用|加上|加|添加|附上|补充|带上|输出|说|附加|署名|落款|回答)(?:一句话?|一个|一下|上)?(?:这句话)?(?::)?<CASEW><LIT>(?:这一|这个|的)?(?:<E>|符号|这句话)?", b.one("ends_with")),
    ("ends_with", r"(?:<ER> )?<EM>(?:end|finish|close|conclude|sign off|wrap up)s?(?: (?:each|every|your|the) (?:reply|response|answer|message)s?)? (?:with|by saying|by writing)(?: the (?:exact )?(?:word|words|phrase|sentence|emoji|line|text))?:? <LIT>", b.one("ends_with")),
    ("ends_with", r"(?:the )?(?:last|final) (?:word|words|line|sentence)(?: of (?:each|every|your|the) (?:reply|response|answer))? <EM>(?:be|is) <LIT>", b.one("ends_with")),
    # --- contains / does not contain ------------------------------------------------------------
    ("contains", rf"<M><R><M>(?:{_HAS})(?:了)?(?:以下|如下)?(?:内容|关键词|词语|句子|文字)?(?::)?<CASEW><LITS><ETC>?<SUF>", b.many("contains", "contains_any")),
    ("contains", rf"<M><R><M>(?:明确|直接|主动|清楚地?|明确地)?(?:{_TELL})(?:用户|对方|客户|顾客)?(?::)?<CASEW><LIT>(?:这句话)?", b.one("contains")),
    ("contains", r"<M>(?:称呼|称|叫|喊)(?:用户|对方|客户|顾客|我|提问者)(?:为|作|做)?<LIT>", b.one("contains")),
    ("contains", r"<M>(?:把|将)(?:用户|对方|客户|顾客)(?:称为|称作|叫做|叫作|称呼为)<LIT>", b.one("contains")),
    ("contains", r"<M>(?:使用|用)<LIT>(?:来)?(?:称呼|称)(?:用户|对方|客户|顾客)", b.one("contains")),
    ("contains", r"(?:<ER> )?<EM>(?:contain|include|mention|use|say|add|insert|feature|have)s?(?: the (?:words?|phrases?|sentences?|emoji|symbols?|text|terms?|keywords?|sign))?:? <LITS>(?: (?:somewhere|in it|in the (?:reply|response|answer)))?", b.many("contains", "contains_any")),
    ("contains", r"<EM>(?:tell|inform|remind|warn) the user(?: that)?:? <LIT>", b.one("contains")),
    ("contains", r"<EM>(?:reply|respond|answer)(?: with)?:? <LIT>", b.one("contains")),
    ("contains", r"<EM>(?:address|call) the user(?: as)? <LIT>", b.one("contains")),
    ("not_contains", rf"<M><R><M><NOT>(?:{_NOT_VERB})(?:任何)?(?:类似)?<CASEW><LITS><ETC>?<SUF>", b.many("not_contains", "not_contains")),
    ("not_contains", r"<M><R><M><CASEW><LITS><SUF><M><NOT>(?:出现|使用|被使用|被提及|提及|包含|有)", b.many("not_contains", "not_contains")),
    ("not_contains", r"(?:<ER> )?<EM><ENOT>(?: ever)? (?:contain|include|mention|use|say|write|add|feature|output)(?: the (?:words?|phrases?|terms?|emoji|sentences?|expressions?))?:? <LITS>", b.many("not_contains", "not_contains")),
    ("not_contains", r"<EM>(?:avoid|never use|no)(?: (?:using|saying|mentioning))?(?: the (?:words?|phrases?|terms?))? <LITS>", b.many("not_contains", "not_contains")),
    # --- replacement (partial: the program rules the old term out) -------------------------------
    ("replacement", r"<M>(?:将|把)?(?:所有的?|全部的?)?<L>(?:都|全部|一律|统一)?<M>(?:替换|改|换|转换|改写|更换|写|说|叫|称)(?:为|成|作)<L>", b.replacement(reverse=False)),
    ("replacement", r"<M>(?:用|以|使用)<L>(?:来)?(?:代替|替代|替换|取代|代指|指代)<L>", b.replacement(reverse=True)),
    ("replacement", r"<M>(?:将|把)<L>(?:都|全部|一律|统一)?(?:称为|称作|叫做|叫作|说成|写成|写作|称呼为)<L>", b.replacement(reverse=False)),
    ("replacement", r"<M>不(?:说|用|使用|写)<L>,?而(?:是)?(?:说|用|使用|写)<L>", b.replacement(reverse=False)),
    ("replacement", r"<M><L>(?:要|需要|应)?(?:用|以)<L>(?:代替|替代|表示)", b.replacement(reverse=False)),
    ("replacement", r"<EM>replace (?:all |every |each )?<L> with <L>", b.replacement(reverse=False)),
    ("replacement", r"<EM>(?:use|say|write) <L> instead of <L>", b.replacement(reverse=True)),
    ("replacement", r"<EM>refer to <L> as <L>", b.replacement(reverse=False)),
    # --- every occurrence followed by ------------------------------------------------------------
    ("followed_by", r"<M>(?:在)?(?:每个|每一个|每次|每当|所有的?|每处)(?:出现|提到|提及|写到|说到|使用)?(?:的)?<L>(?:时|的时候)?(?:的)?(?:后面?|之后|后边|后方)?(?:,)?<M>(?:紧?跟(?:着|上|随)?|加上?|附上|带上|接上?|添加|标注|写上|跟随|追加|紧接)(?:一个)?<L>(?:符号|表情)?", b.followed_by(reverse=False)),
    ("followed_by", r"<M><L>(?:的)?(?:后面|之后|后)<M>(?:紧?跟(?:着|上)?|加上?|附上|带上|接上?|添加|写上)(?:一个)?<L>", b.followed_by(reverse=False)),
    ("followed_by", r"<EM>follow (?:every|each)(?: occurrence of| mention of)? <L> with <L>", b.followed_by(reverse=False)),
    ("followed_by", r"<EM>(?:put|add|write|place|insert) <L> (?:right |immediately |directly )?after (?:every|each)(?: occurrence of| mention of)?(?: the word)? <L>", b.followed_by(reverse=True)),
    ("followed_by", r"(?:every|each)(?: occurrence of| mention of)? <L> <EM>(?:be )?followed by <L>", b.followed_by(reverse=False)),
    # --- language ----------------------------------------------------------------------------
    ("language", rf"<M><R><M>(?:只|仅|全部|全程|全文|完全|全都|只能|仅能|均)?(?:用|使用|以|采用|通过)<LANG>(?:的形式|的方式|来|进行)?(?:{_REPLY_VERB}|交流|沟通|书写|撰写|表达|对话|写作)?", b.language("language")),
    ("language", r"<M><R>(?:的)?(?:语言|语种)?<M>(?:只能|只|仅)?(?:使用|用|为|是|采用|必须是|必须为)<LANG>", b.language("language")),
    ("language", rf"<M>(?:只|仅)?<LANG>(?:{_REPLY_VERB})", b.language("language")),
    ("language", r"(?:<ER> )?<EM>(?:reply|respond|answer|write|speak|communicate|be written|be)(?: only| exclusively| entirely)? in <LANG>(?: only)?", b.language("language")),
    ("language", r"<EM>use <LANG>(?: only)?(?: in (?:the|your) (?:reply|response|answer))?", b.language("language")),
    ("language", r"<LANG> only", b.language("language")),
    ("bilingual", rf"<M><R><M>(?:用|使用|以|采用)?(?:中英双语|中英文双语|中英文|中英两种语言|双语|中英对照|中英文对照)(?:的形式|的方式|进行|对照)?(?:{_REPLY_VERB})?", b.bilingual),
    ("bilingual", rf"<M>(?:同时)?(?:用|使用)?<LANG>(?:和|与|及)<LANG2>(?:两种语言)?(?:{_REPLY_VERB})?", b.bilingual),
    ("bilingual", rf"<M>先(?:用|使用|以)?<LANG>(?:{_REPLY_VERB}|说明|解答)?,?(?:再|然后|之后|接着|后)(?:用|使用|附上|给出|提供|附)?<LANG2>(?:翻译|译文|版本|{_REPLY_VERB}|说明|再说一遍|重复一遍)?", b.bilingual),
    ("bilingual", r"<EM>(?:reply|respond|answer|write) in both <LANG> and <LANG2>", b.bilingual),
    ("bilingual", r"<EM>(?:reply|respond|answer|write) in <LANG>,? (?:then|followed by|and then) (?:(?:a|an|the) )?<LANG2>(?: translation| version)?", b.bilingual),
    ("last_sentence_language", rf"<M><R>(?:的)?(?:最后一句话?|末句|结尾一句|结尾的一句话|最后的一句话)<M>(?:用|使用|以|采用|为|是)<LANG>(?:的形式)?(?:书写|表达|说|写|输出|回答|来写|呈现)?(?P<content>{_CONTENT}|祝福|问候|提问)?", b.language("last_sentence_language")),
    ("last_sentence_language", r"<M><R><M>(?:以|用)一句<LANG>(?:的句子|句子)?(?:<END>)", b.language("last_sentence_language")),
    ("last_sentence_language", r"(?:the )?(?:last|final) sentence(?: of (?:each|every|your|the) (?:reply|response|answer))? <EM>(?:be )?(?:written )?in <LANG>", b.language("last_sentence_language")),
    ("last_sentence_language", r"<EM>(?:write|make) the (?:last|final) sentence in <LANG>", b.language("last_sentence_language")),
    ("last_sentence_language", r"<EM>(?:end|finish|close) with (?:a|one) sentence in <LANG>", b.language("last_sentence_language")),
    ("paragraph_language", rf"<M><R>(?:的)?(?P<which>最后一段|最后一个段落|末段|结尾段|第<N>段|首段|开头一段)(?:话)?<M>(?:用|使用|以|采用|为|是)<LANG>(?:书写|表达|写|输出|呈现|来写)?(?P<content>{_CONTENT})?", b.paragraph_language),
    ("paragraph_language", rf"<M>(?P<which>(?:单独)?另起一段|单独一段|另外一段)(?:,)?<M>(?:用|使用|以)<LANG>(?:书写|写|表达)?(?P<content>{_CONTENT})?", b.paragraph_language),
    ("paragraph_language", rf"<M>(?P<which>(?:最后|再|另外|额外)?(?:用|使用)<LANG>(?:单独)?(?:另起|另写|再写|写|加|补充|附上|附加)一段)(?:话|文字|(?P<content>{_CONTENT}))?", b.paragraph_language),
    ("paragraph_language", r"(?:the )?(?P<which>last|final|first|second|third) paragraph(?: of (?:each|every|your|the) (?:reply|response|answer))? <EM>(?:be )?(?:written )?in <LANG>", b.paragraph_language),
    ("paragraph_language", r"<EM>(?:write|make) the (?P<which>last|final|first|second|third) paragraph in <LANG>", b.paragraph_language),
    ("paragraph_language", r"<EM>add (?P<which>a (?:separate |final |last )?paragraph) in <LANG>(?: at the end)?", b.paragraph_language),
    ("json_field_language", r"<M>(?:输出的?)?(?:json)?(?:中|里|的)?<LIT>(?:字段|键|key|属性|项)(?:的)?(?:值|内容)?<M>(?:用|使用|为|是|以|采用|必须是|必须用)<LANG>(?:书写|填写|表示|写|表达|呈现)?", b.json_field_language),
    ("json_field_language", r"<M>json(?:中|里|的)(?:的)?<LIT>(?:的)?(?:值|内容)?<M>(?:用|使用|为|是|以|采用)<LANG>(?:书写|填写|表示|写|表达)?", b.json_field_language),
    ("json_field_language", r"<M><LIT>(?:字段|键)?的(?:值|内容)<M>(?:用|使用|为|是|以|采用)<LANG>(?:书写|填写|表示|写|表达)?", b.json_field_language),
    ("json_field_language", r"(?:the )?value of (?:the )?<LIT>(?: field| key| property)?(?: in the json)? <EM>(?:be )?(?:written )?in <LANG>", b.json_field_language),
    ("json_field_language", r"(?:the )?<LIT> (?:field|key|property)(?: value)?(?: in the json)? <EM>(?:be )?(?:written )?in <LANG>", b.json_field_language),
    # --- emoji -------------------------------------------------------------------------------
    ("emoji_count", rf"<M><R><M>(?:使用|用|包含|添加|加入|带有|带上|附带|加上|插入|配上|搭配|出现|含有|加|放|放入|有)(?:了)?(?:<ZCMP>)?(?:<N>(?:个|种)<ZPOST>?)?(?P<distinct>不同的?|不一样的?|各不相同的?)?(?:的)?<E>(?:<ZPOST2>)?{_APART}", b.emoji_count),
    ("emoji_count", rf"<M><R><M><ZCMP>(?:使用|用|包含|添加|加入|带有|带上|加上|插入|配上|出现|含有|加|有)(?:了)?<N>(?:个|种)<ZPOST>?(?P<distinct>不同的?|不一样的?|各不相同的?)?(?:的)?<E>{_APART}", b.emoji_count),
    ("emoji_count", r"<M><R>(?:的)?<E>(?:的)?(?:数量|个数|总数|数目|使用数量)?<M>(?:<ZCMP>)?<N>(?:个|种)?<ZPOST>?", b.emoji_count),
    ("emoji_count", rf"<M>(?:<ZCMP>)?<N>(?:个|种)<ZPOST>?(?P<distinct>不同的?|不一样的?)?(?:的)?<E>(?:<ZPOST2>)?{_APART}", b.emoji_count),
    ("emoji_count", r"(?:<ER> )?<EM>(?:use|include|add|insert|put|contain|have)(?: <ECMP>)?(?: <EN_N>)?(?: (?P<distinct>different|distinct|unique))? <EE>(?: <EPOST>)?(?: in (?:the|your|each) (?:reply|response|answer))?", b.emoji_count),
    ("no_emoji", r"<M><R><M>(?:<NOT>(?:使用|用|包含|添加|加入|出现|带有|含有|带|加|有|插入)|没有|无)(?:任何)?<E>", b.flag("emoji_count", {"eq": 0})),
    ("no_emoji", r"(?:<ER> )?<EM>(?:<ENOT> (?:use|include|add|contain)(?: any)?|avoid(?: using)?|no|without(?: any)?) <EE>", b.flag("emoji_count", {"eq": 0})),
    ("emoji_not_adjacent", rf"<M><R>(?:的|中的)?(?:多个|各个|所有)?<E>(?:之间)?<M>(?:不能|不要|不可以|不得|不可|禁止|避免)(?:彼此)?{_NO_ADJ}(?:使用|出现|放置|摆放)?", b.flag("emoji_not_adjacent")),
    ("emoji_not_adjacent", r"<M><R>(?:的|中的)?<E><M>(?:分布|分散|出现|放|位于)在不同(?:的)?(?:位置|地方)", b.flag("emoji_not_adjacent")),
    ("emoji_not_adjacent", r"<M>(?:不能|不要|不得|禁止|避免)连续(?:使用|出现|放)(?:多个|两个)?<E>", b.flag("emoji_not_adjacent")),
    ("emoji_not_adjacent", r"(?:(?:the )?<EE>|no two <EE>) <EM>(?:not |never )?(?:be|appear|stand) (?:adjacent|next to each other|side by side|together)(?: to each other)?", b.flag("emoji_not_adjacent")),
    ("emoji_not_adjacent", r"<EM>(?:do not|don't|never) put (?:two )?<EE> (?:next to each other|side by side|together)", b.flag("emoji_not_adjacent")),
    ("edge_emoji", r"<M><R>(?:的)?(?P<where>开头和结尾|开头与结尾|首尾|开头|开始|<END>|最后)(?:处)?<M>(?:都|各)?<M>(?:使用|用|加上|加|添加|带上|放|放上|附上|配上|是|有)(?:一个|<N>个)?(?P<distinct>不同的?)?<E>", b.edge_emoji),
    ("edge_emoji", r"<M><R><M>(?:以|用)(?:一个|<N>个)?(?P<distinct>不同的?)?<E>(?:作为|为)?(?P<where>开头|开始|<END>)", b.edge_emoji),
    ("edge_emoji", r"(?:<ER> )?<EM>(?P<where>begin and end|start and end|begin|start|end|finish)(?: (?:each|every|your|the) (?:reply|response|answer))? with <EN_N>(?: (?P<distinct>different|distinct))? <EE>", b.edge_emoji),
    ("literal_count", r"<M><R><M>(?:使用|包含|出现|用|加入|带有|含有|添加|写)(?:了)?(?:<ZCMP>)?<N>(?:个|次|遍)<ZPOST>?(?:的)?<CASEW><LIT>(?:符号|表情|字|词)?", b.literal_count),
    ("literal_count", r"<M><R>(?:中)?<CASEW><LIT>(?:这个|一|二)?(?:字|词|符号|表情|一词|二字|字样)?(?:的)?(?:出现)?(?:次数|数量)?<M>(?:<ZCMP>)?(?:出现|使用|用)?(?:了)?<N>(?:次|遍|个)<ZPOST>?", b.literal_count),
    ("literal_count", r"<EM>(?:use|include|mention|say|write)(?: the (?:word|phrase|emoji|symbol))? <LIT>(?: <ECMP>)? <EN_N>(?: times?)?(?: <EPOST>)?", b.literal_count),
    ("literal_count", r"(?:the (?:word|phrase|emoji|symbol) )?<LIT> <EM>(?:appear|occur|be used)(?: <ECMP>)? <EN_N>(?: times?)?(?: <EPOST>)?", b.literal_count),
    # --- length ----------------------------------------------------------------------------------
    ("length", r"<M><R>(?:的)?(?:(?:总)?(?:汉字)?(?:字数|字符数|字符数量|总字数|长度|篇幅|字)(?:数量)?|汉字(?:数量|个数|数))<M>(?::)?(?:控制|保持|限制|限定)?(?:在)?(?:<ZCMP>)?(?:在)?<N>(?:个)?(?P<unit>字符|汉字|个汉字|个字|字|词|单词|个单词)?<ZPOST>?", b.length),
    ("length", r"<M><R>(?:的)?(?:汉字)?(?:字数|字符数|长度|篇幅)(?:数量)?<M>(?:控制|保持|限制)?(?:在)?<N>(?:个)?(?:字|字符)?(?:到|至|-|~|—|–)<N2>(?:个)?(?P<unit>字符|汉字|个汉字|个字|字|单词)?(?:之间|以内|范围内)?", b.length),
    ("length", rf"<M><R><M>(?:用|以|在)?(?:控制|保持|限制|限定)?(?:在)?(?:<ZCMP>)?<N>(?:个)?(?P<unit>字符|汉字|个汉字|个字|字|单词|个单词)<ZPOST>?(?:的)?(?:篇幅|长度|字数)?(?:内)?(?:{_REPLY_VERB}|说明)?", b.length),
    ("length", r"(?:<ER> )?<EM>(?:(?:be|contain|have|use|stay|remain|consist of|be kept|answer|reply|respond|write|in) )*(?:<ECMP> )?<EN_N> (?P<unit>words?|characters?|chars?)(?: <EPOST>)?(?: long| in length| in total)?", b.length),
    ("length", r"<EM>(?:keep|limit) (?:the |your )?(?:reply|response|answer|it|replies|responses|answers)(?: length)? <ECMP> <EN_N> (?P<unit>words?|characters?|chars?)(?: <EPOST>)?", b.length),
    ("length", r"(?:<ER> )?<EM><ECMP> <EN_N> (?P<unit>words?|characters?|chars?)(?: <EPOST>)?", b.length),
    ("each_length", r"<M>(?P<each>每段|每一段|每个段落|每一个段落|每句话?|每一句话?|每个句子)(?:的)?(?:(?:汉字)?(?:字数|长度|字符数))?<M>(?:控制|保持|限制)?(?:在)?(?:<ZCMP>)?<N>(?:个)?(?P<unit>字符|汉字|个汉字|个字|字)<ZPOST>?", b.each_length),
    ("each_length", r"(?P<each>each|every) (?:paragraph|sentence) <EM>(?:be |have |contain |stay )?(?:<ECMP> )?<EN_N> (?P<unit>words?|characters?|chars?)(?: <EPOST>)?(?: long)?", b.each_length),
    # --- paragraphs and sentences ------------------------------------------------------------------
    ("paragraph_count", rf"<M><R><M>(?:分为|分成|分|为|包含|包括|共|只有|仅有|有|写|用|使用|控制在|保持在|划分为|组织为|组织成)?(?:<ZCMP>)?(?:有|为|是|分为|分成)?<N>(?:个)?(?:段|段落|自然段)(?:话|文字|内容)?<ZPOST>?(?:来)?(?:{_REPLY_VERB}|(?P<content>{_CONTENT}))?", b.counted("paragraph_count")),
    ("paragraph_count", r"<M><R>(?:的)?(?:段落|段)(?:数|数量|个数|总数)<M>(?:<ZCMP>)?<N>(?:个|段)?<ZPOST>?", b.counted("paragraph_count")),
    ("paragraph_count", r"<M><R><M>(?:不分段|不要分段|不能分段|只写一段|只有一段|不要换行分段)", b.flag("paragraph_count", 1)),
    ("paragraph_count", r"(?:<ER> )?<EM>(?:(?:use|write|answer|reply|respond|have|contain|consist of|be|be split into|be divided into|be written in|be in|in|with) )*(?:<ECMP> )?<EN_N> (?:short )?paragraphs?(?: <EPOST>)?(?: long| in total)?", b.counted("paragraph_count")),
    ("sentence_count", rf"<M><R><M>(?:用|使用|只用|仅用|控制在|保持在|以|在|写)?(?:<ZCMP>)?<N>(?:个)?句(?:话|子)?<ZPOST>?(?:来)?(?:{_REPLY_VERB}|说完|表达|(?P<content>{_CONTENT}|解答))?", b.counted("sentence_count")),
    ("sentence_count", r"<M><R>(?:的)?(?:句子|句)(?:的)?(?:数|数量|个数|总数)<M>(?:<ZCMP>)?<N>(?:个|句)?<ZPOST>?", b.counted("sentence_count")),
    ("sentence_count", r"(?:<ER> )?<EM>(?:(?:use|write|answer|reply|respond|have|contain|consist of|be|be in|in|with) )*(?:<ECMP> )?<EN_N> (?:short )?sentences?(?: <EPOST>)?(?: long| in total)?", b.counted("sentence_count")),
    ("sentences_start_with_digit", r"<M><R>(?:的|中的)?(?:每一?句话?|每一?个句子|每句|所有句子)<M>(?:以|用)(?:一个)?(?:阿拉伯)?数字(?:开头|开始|打头|作为开头)", b.flag("sentences_start_with_digit")),
    ("sentences_start_with_digit", r"(?:each|every|all) sentences?(?: of (?:the|your) (?:reply|response|answer))? <EM>(?:start|begin)s? with (?:a |an )?(?:number|digit|numeral)s?", b.flag("sentences_start_with_digit")),
    # --- words -------------------------------------------------------------------------------------
    ("last_word_english", r"<M><R>(?:的)?(?:最后一个|最后的一个|末尾的?|结尾的?)(?:词|单词|字|词语)<M>(?:是|为|必须是|要是|用|使用)(?:一个)?英文(?:单词)?", b.flag("last_word_english")),
    ("last_word_english", r"<M><R><M>(?:以|用)(?:一个)?英文单词(?:<END>)", b.flag("last_word_english")),
    ("last_word_english", r"<M><R>(?:的)?<END><M>(?:是|为|用|使用)(?:一个)?英文单词", b.flag("last_word_english")),
    ("last_word_english", r"(?:the )?(?:last|final) word(?: of (?:each|every|your|the) (?:reply|response|answer))? <EM>(?:be )?(?:an? )?english(?: word)?", b.flag("last_word_english")),
    ("last_word_english", r"<EM>(?:end|finish) with an english word", b.flag("last_word_english")),
    ("english_word_count", r"<M><R>(?:中)?(?:的)?英文单词(?:的)?(?:数量|个数|总数)?<M>(?:<ZCMP>)?<N>(?:个)?<ZPOST>?", b.counted("english_word_count")),
    ("english_word_count", r"<M><R><M>(?:包含|使用|含有|出现|用|夹杂|插入)(?:<ZCMP>)?<N>(?:个)<ZPOST>?(?:的)?英文单词", b.counted("english_word_count")),
    ("english_word_count", r"<M><R><M><NOT>(?:使用|出现|包含|含有|夹杂|有)(?:任何)?英文单词", b.flag("english_word_count", 0)),
    ("english_word_count", r"(?:<ER> )?<EM>(?:use|contain|include|have) (?:<ECMP> )?<EN_N> english words?(?: <EPOST>)?", b.counted("english_word_count")),
    ("lowercase", r"<M><R><M>(?:全部|全都|都|均|只)?(?:使用|用|采用)?小写(?:字母|英文字母|英文)?(?:书写|输出|回复|回答|表示)?", b.flag("lowercase")),
    ("lowercase", r"(?:<ER> )?<EM>(?:be (?:written )?|write |use |reply |respond |answer )?(?:in |only |entirely in |all in )?(?:all )?lower ?case(?: letters)?(?: only)?", b.flag("lowercase")),
    # --- layout: tables, markdown, bold, json, numbering ---------------------------------------------
    ("table", rf"<M><R><M>(?:以|用|使用|采用|通过|按照?)(?:markdown|md)?(?:的)?表格(?:的)?(?:形式|格式|方式)?(?:来)?(?:{_REPLY_VERB}|展示|列出|整理|给出|展现|表示|汇总|罗列|对比)?", b.flag("markdown_table")),
    ("table", r"<M><R><M>(?:包含|包括|有|附上|带有|给出|提供|附带|插入|加入|使用)(?:一个|一张|一份)?(?:markdown|md)?(?:格式的)?表格", b.flag("markdown_table")),
    ("no_table", r"<M><R><M><NOT>(?:使用|用|包含|出现|采用|有|插入|加入)(?:任何)?(?:markdown|md)?表格(?:形式|格式)?", b.flag("markdown_table", False)),
    ("table", r"(?:<ER> )?<EM>(?:(?:use|present|format|show|give|provide|include|output|contain|be|answer|reply|respond|put|organi[sz]e|display)(?: (?:it|them|the (?:answer|reply|response|information|results?|data|comparison)))? )?(?:as |in |with |using )?(?:a |an )?(?:markdown )?table(?: format| form)?", b.flag("markdown_table")),
    ("no_table", r"(?:<ER> )?<EM>(?:<ENOT> (?:use|include|contain|output)(?: any)?|avoid(?: using)?|no) (?:markdown )?tables?", b.flag("markdown_table", False)),
    ("no_markdown", r"<M><R><M><NOT>(?:使用|用|包含|出现|采用|带有|有)(?:任何)?markdown(?:格式|语法|标记|符号|排版)?", b.flag("no_markdown")),
    ("no_markdown", r"<M><R><M>(?:使用|用|以|采用)?纯文本(?:格式|形式)?(?:输出|回复|回答|作答)?", b.flag("no_markdown")),
    ("no_markdown", r"(?:<ER> )?<EM>(?:<ENOT> (?:use|include|contain)(?: any)?|avoid(?: using)?|no) markdown(?: formatting| syntax)?", b.flag("no_markdown")),
    ("no_markdown", r"(?:<ER> )?<EM>(?:(?:use|be|reply in|respond in|write in|answer in) )?plain text(?: only)?", b.flag("no_markdown")),
    ("bold", r"<M>(?:将|把|对)<CASEW><LITS>(?:这个词|一词|这些词|等词)?(?:进行)?(?:加粗|粗体)(?:显示|标出|处理|标记|展示|呈现)?", b.bold),
    ("bold", r"<M>(?:加粗|用粗体(?:标出|显示|标记)?|以粗体(?:标出|显示)|粗体标出)<LITS>(?:这个词|一词)?", b.bold),
    ("bold", r"<M><R>(?:中)?(?:的)?<LITS>(?:这个词|一词|这些词)?<M>(?:加粗|用粗体(?:显示|标出)?|以粗体(?:显示|呈现)|粗体显示|以加粗(?:形式|格式)(?:显示|呈现)?|加粗(?:显示|标出|呈现))", b.bold),
    ("bold", r"<EM>(?:bold|make bold|put in bold|write in bold|highlight in bold)(?: the (?:word|words|phrase|term|terms))? <LITS>", b.bold),
    ("bold", r"(?:the (?:word|phrase|term) )?<LITS> <EM>(?:be |appear |be written |be shown )?(?:in )?bold(?: type| text| font)?", b.bold),
    ("bold", r"<EM>(?:make|put|write|set) <LITS> (?:in )?bold", b.bold),
    ("no_bold", r"<M><R><M><NOT>(?:使用|用|出现|包含|有|采用)?(?:任何)?(?:加粗|粗体)(?:格式|字体|文字|文本|标记|效果|字)?", b.flag("no_bold")),
    ("no_bold", r"(?:<ER> )?<EM>(?:<ENOT> (?:use|include|contain)(?: any)?|avoid(?: using)?|no) bold(?: text| formatting| type| font)?", b.flag("no_bold")),
    ("json", r"<M><R><M>(?:以|用|使用|按照?|采用|输出为?|返回)(?:标准的?|合法的?|有效的?)?json(?:格式|形式|对象)?(?:的形式|的格式)?(?:来)?(?:输出|回复|回答|返回|作答|呈现|给出)?", b.flag("json")),
    ("json", r"<M><R><M>(?:是|为|必须是)(?:一个)?(?:标准的?|合法的?|有效的?)?json(?:格式|对象|字符串)?", b.flag("json")),
    ("json", r"(?:<ER> )?<EM>(?:(?:be|respond|reply|answer|output|return|format (?:the|your) (?:reply|answer|response)|write) )?(?:in |as |with |using )?(?:a |an )?(?:valid |proper |well-formed )?json(?: format| object)?(?: only)?", b.flag("json")),
    ("json_template", r"<M><R><M>(?:输出|回复|返回)?(?:json)?(?:格式)?(?:为|是|如下)?(?::)?<TPLG>", b.json_template),
    ("json_template", r"<M><R><M>(?:以|用|按照?|采用|参照|遵循|使用)<TPLG>(?:的)?(?:格式|形式|结构|模板|样式)(?:来)?(?:输出|回复|回答|返回|作答|给出)?", b.json_template),
    ("json_template", r"<EM>(?:use|follow|output|reply in|respond in|answer in|return)(?: exactly)? (?:the |this )?(?:format|template|shape)?:? ?<TPLG>", b.json_template),
    ("json_template", r"(?:format|template): ?<TPLG>", b.json_template),
    ("json_keys", r"<M>(?:json|json中|json里|json对象中?|输出)?(?:中)?<M>(?:包含|包括|有|带有|含有)(?:键|字段|key|keys|属性)?(?::)?<LITS>(?:这|等)?(?:两个|三个|四个|<N>个)?(?:字段|键|key|keys|属性)", b.json_keys),
    ("json_keys", r"<M>(?:json|json中|json里|json对象中?)<M>(?:包含|包括|有|带有|含有)(?:键|字段|key|keys|属性)?(?::)?<LITS>", b.json_keys),
    ("json_keys", r"(?:the )?json(?: object)? <EM>(?:contain|include|have)s? (?:the )?(?:keys?|fields?|properties) <LITS>", b.json_keys),
    ("json_keys", r"<EM>(?:include|use) (?:the )?(?:keys?|fields?) <LITS>(?: in (?:the|your) json)?", b.json_keys),
    ("line_markers", r"<M><R><M>(?:用|使用|以|按照?|采用|通过)<MKG>(?:的)?(?:形式|格式|方式|序号|编号|符号|顺序)?(?:来)?(?:标注|分点|编号|列出|分条|排列|标号|标记|列举|罗列|标明|表示)?(?:各点|要点|每一点|每个要点|各个要点|每条)?(?:回答|作答|回复|列出|说明)?", b.markers),
    ("line_markers", r"<M><R><M>分点(?:回答|作答|列出|说明|阐述|回复)?,?(?:并)?(?:用|使用|以)<MKG>(?:来)?(?:标注|编号|标号|标记)?", b.markers),
    ("line_markers", r"<M>(?:序号|编号|标号)<M>(?:使用|用|为|采用)<MKG>(?:的)?(?:形式|格式)?", b.markers),
    ("line_markers", r"<EM>(?:number|mark|label|list)(?: (?:the|your|each) (?:points?|items?|steps?|lines?))? (?:with|using|as) <MKG>", b.markers),
    ("line_markers", r"<EM>use <MKG>(?: to (?:number|mark|label|list) (?:the |your |each )?(?:points?|items?|steps?))?(?: (?:as|for) (?:the )?(?:numbering|markers?|bullets?))?", b.markers),
    ("structure_words", rf"<M><R><M>(?:按照?|使用|用|以|采用)<LIT>(?:的)?(?:结构|顺序|逻辑|格式|形式|框架|句式)?(?:来)?(?:{_REPLY_VERB}|组织|表述|分点|叙述|连接|串联)", b.structure_words),
    # --- digits and punctuation -----------------------------------------------------------------------
    ("no_digits", r"<M><R><M><NOT>(?:使用|出现|包含|含有|带有|有|用|写|写出)?(?:任何)?(?:阿拉伯)?数字(?:符号)?", b.flag("no_digits")),
    ("no_digits", r"<M>(?:将|把)?(?:所有的?|全部的?|文中的?)?(?:阿拉伯)?数字(?:都|全部|一律|均)?<M>(?:用|使用|以|替换为|改为|换成|写成|转换为|转为|转换成|改成|替换成)(?:中文|汉字|中文大写)(?:数字)?(?:的形式)?(?:表示|书写|代替|写|呈现|来表示)?", b.flag("no_digits")),
    ("no_digits", r"(?:<ER> )?<EM>(?:<ENOT> (?:use|include|contain|write)(?: any)?|avoid(?: using)?|no|without(?: any)?) (?:digits|numerals|arabic numerals)", b.flag("no_digits")),
    ("no_digits", r"<EM>(?:write|spell out) (?:all )?numbers (?:in|as) words", b.flag("no_digits")),
    ("no_trailing_punctuation", r"<M><R>(?:的)?(?:结尾|末尾|最后|结束|最后一个字符)(?:处)?<M><NOT>(?:使用|用|加|要|带|有|出现|包含|加上|添加|能有)?(?:任何)?标点(?:符号)?", b.flag("no_trailing_punctuation")),
    ("no_trailing_punctuation", r"(?:<ER> )?<EM>(?:<ENOT> end with (?:a |any )?punctuation(?: marks?)?|(?:have |use )?no punctuation(?: mark)? at the end)", b.flag("no_trailing_punctuation")),
    ("no_punctuation", r"<M><R>(?:中)?(?:全文|全部|整个|通篇)?<M><NOT>(?:使用|用|包含|出现|带|有|含有|加)(?:任何)?标点(?:符号)?", b.flag("no_punctuation")),
    ("no_punctuation", r"(?:<ER> )?<EM>(?:<ENOT> (?:use|include|contain)(?: any)?|avoid(?: using)?|no|without(?: any)?) punctuation(?: marks?)?(?: at all)?", b.flag("no_punctuation")),
    ("punctuation_replaced", r"<M>(?:用|以|使用)<LIT>(?:来)?(?:代替|替代|替换|取代)(?:所有的?|全部的?|一切)?标点(?:符号)?", b.punct_replaced),
    ("punctuation_replaced", r"<M>(?:将|把)?(?:所有的?|全部的?)?标点(?:符号)?(?:都|全部|一律|均)?(?:替换|改|换|转换)(?:为|成)<LIT>", b.punct_replaced),
    ("punctuation_replaced", r"<M>(?:所有的?)?标点(?:符号)?(?:都|全部|一律)?(?:用|以)<LIT>(?:代替|替代|替换|表示)", b.punct_replaced),
    ("punctuation_replaced", r"<EM>replace (?:all |every )?punctuation(?: marks?)? with <LIT>", b.punct_replaced),
)  # fmt: skip

FAMILY_NAMES = tuple(dict.fromkeys(f.name for f in FAMILIES))


def match_clause(clause: str, wd: Wording) -> tuple[str, b.Found] | None:
    """The first family whose pattern matches the whole clause and whose builder accepts it."""
    for family in FAMILIES:
        m = family.pattern.fullmatch(clause)
        if m is not None:
            found = family.build(m, wd)
            if found is not None:
                return family.name, found
    return None
