"""Per-client features from the seven Home Credit tables: application fields and ratios, plus DuckDB
aggregates of the secondary tables. `build.build_feature_tables` is the entry point;
`application.application_features` is what serving reuses for a what-if.
"""
