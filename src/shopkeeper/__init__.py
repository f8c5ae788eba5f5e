"""Shopkeeper: a self-hostable AI customer-support agent for online retailers."""
