"""Fairness of the decisions between groups of protected attributes: metrics, the run's fairness report, and the
cost of excluding an attribute from the model."""
