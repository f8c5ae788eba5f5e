"""Understanding (temporary)."""
