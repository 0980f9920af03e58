"""``counter-app doctor``: is this counter PC ready to serve? Qt-free checks of the install,
the data, the province link and the devices, each with a status (ok, warn, fail) and a Chinese
hint saying what to do (docs/doctor.md).

``registry.py`` lists the checks (``module:function``, imported lazily; a check that raises
becomes a "fail" row, never a crash); ``probe.py`` is what they share (the context, the journal
opened once, the Qt report made in a child process). The checks live by subject: ``install``,
``data``, ``province``, ``devices``.
"""
