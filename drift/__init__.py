"""Data drift: Evidently report (training vs new clients) and monitoring of logged predictions."""
