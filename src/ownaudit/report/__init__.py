"""Reports: one findings model (``RunResult``), one small writer per format.

Commands use ``options.report_options`` and ``emit.emit``; writers expose
``render(result, settings) -> str``.
"""
