"""Effekt: goal-based governance and follow-up for Swedish municipalities."""
