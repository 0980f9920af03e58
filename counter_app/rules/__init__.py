"""Date-aware rule packs and the pure evaluator that judges a case against them."""
