"""Our NLU components for Rasa's pipeline (config.yml): sentence features and references."""
