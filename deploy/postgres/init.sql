-- Two databases on one server: the MLflow tracking store and the prediction event store.
CREATE DATABASE mlflow;
CREATE DATABASE events;
