"""Training pipeline: Home Credit data, features, model selection, business-cost threshold."""
