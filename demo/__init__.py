"""The whole product on one machine: demo data, training, the champion, the scoring service and the dashboard."""
