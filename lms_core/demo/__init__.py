"""Demo data: a believable Vietnam Customs organisation after the 2025 restructuring."""
