"""The web dashboard over the coordination service (server-rendered pages under ``/ui``).

Pages call the same service functions as the JSON API (:mod:`pairaid.service.web.actions`
runs them through :func:`pairaid.service.unit.run_write`); htmx (vendored in
``service/static/``) refreshes the board, plotly.js draws its map. See docs/service.md.
"""
