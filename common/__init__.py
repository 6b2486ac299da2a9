"""What several apps share: the MLflow store helpers, logging set-up, errors a user can fix, number formatting,
the command dispatcher and the project's data folder. It imports none of the apps."""
