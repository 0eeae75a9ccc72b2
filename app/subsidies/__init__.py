"""Special planting and breeding subsidies: schemes, claims, calculation and payment."""
