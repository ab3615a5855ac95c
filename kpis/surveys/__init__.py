"""The survey engine: audiences, one-time links, sending rules, answers, follow-ups and results."""
