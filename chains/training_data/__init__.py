"""Training data for the copy model: examples from catalog copy, from the team's feedback, and generate-rank-retrain rounds."""
