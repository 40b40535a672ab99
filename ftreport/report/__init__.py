"""The PDF decision memo (issue 7): view model, SVG charts, templates, printing.

``write_memo(result, target)`` is what `ftreport run` calls. WeasyPrint is
imported only while printing, so importing this package stays cheap.
"""

from ftreport.report.render import render_html, write_memo

__all__ = ["render_html", "write_memo"]
