"""The sequences of acr's commands, without the command line: what ``plan``, ``apply``,
``validate``, ``export``, ``connections`` and ``compare`` do, step by step.

Each sequence is a function of a ``Context`` (the environment, the project file, the account
to reach and the ``Hooks`` through which it shows results, reports progress and asks for
confirmation) and of the command's options; it returns a ``Result`` that the command line
maps to an exit code, or raises a ``ReconcilerError``. Nothing here prints, prompts or
exits: ``reconciler/cli.py`` parses the arguments, passes callbacks that print, and exits.

- ``context``: ``Hooks``, ``Question``, ``Result``, ``Context`` (project, run, manifests).
- ``validation``: ``validate``, offline.
- ``planning``: one target's plan, a saved plan's check, ``plan``.
- ``applying``: the account locks, ``apply`` for one target and for ``--all-targets``.
- ``accounts``: ``export``, ``connections`` and ``compare``.

``context`` and ``validation`` import nothing heavy, so that ``acr validate`` starts without
httpx or asyncio; the other modules are imported by the commands that use them.
"""
