"""Training in steps a page can show: the trainer and its history, epoch runs, fair turns between students."""
