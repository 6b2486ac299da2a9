"""Dashboard for relationship managers; it reaches the model and the data only through the scoring service."""
