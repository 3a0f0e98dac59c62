"""Managed local inference servers (``--llm-serve``, ``--llm-model=local/NAME``).

``spec`` parses what to start, ``process`` starts, checks and stops it (under a guard process),
``client`` routes the run's calls to it, ``xdist`` shares one server among xdist workers.
Nothing is imported here: the plugin loads each part only when a run asks for a server.
"""
