"""gRPC scoring service: score, explain, browse clients and compare them with their peers."""
