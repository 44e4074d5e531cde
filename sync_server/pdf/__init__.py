"""Visit reports and site scorecards as PDF (issue 15), drawn with fpdf2.

`fonts` picks the faces and keeps every character visible, `words` is the PDF's own bilingual
catalogue, `document` the page frame (footer, headings, tables), `visit_report` and `scorecard`
the two documents, `chart` the weekly trend, `data` the database reads behind them."""
