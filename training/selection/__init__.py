"""Model selection: cross-validated comparison of models and imbalance methods, business-cost threshold, guards."""
