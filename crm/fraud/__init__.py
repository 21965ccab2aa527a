"""Fraud work: escalations to the fraud team and fraud-ring links."""
