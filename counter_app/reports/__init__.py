"""Reports: the daily closing (日结) and the monthly statistics (月报), made from the journal's
``reports`` projection, shown on the supervisors' screen and exported as Excel, PDF or JSON.

A report is a definition (``model.Definition``: its parameters, its query over the facts, its
tables and charts); ``registry.REPORTS`` lists them; ``service.ReportService`` makes, exports
and audits them; the writers (``writers``, ``pdf_pages``) serve every report. docs/reports.md
describes the reports, their JSON and the commands.
"""
