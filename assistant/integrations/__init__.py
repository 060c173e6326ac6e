"""Adapters that let other frameworks use the assistant. Each lives in its own module and imports
its framework only when it is used, so `import assistant` stays light."""
