"""Batch scoring of files: `python -m scoring_service.batch score --data DIR|FILE --out FILE`.

The service's data-plane code scores the files (ModelInput builds exactly the model's columns, Explainer gives
the reasons), on features built from the same declarations by DuckDB on one machine or by Spark beyond it.
"""
