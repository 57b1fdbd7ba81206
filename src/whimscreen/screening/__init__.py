"""whimscreen.screening: finding the undiagnosed — cohort re-screening for CXCR4 WHIM variants on Dask
(``run.screen``) and case finding from laboratory results (``case_finding``).

Sits above interpretation (it names, calls and classifies with the layers below) and below program/web/cli.
"""
