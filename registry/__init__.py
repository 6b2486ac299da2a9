"""MLflow Model Registry: the model bundle, its registration and the `champion` alias."""
