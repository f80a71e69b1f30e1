"""``flask seed-demo`` data for complaints, one module per part; sits above every part, so it may use them all."""
