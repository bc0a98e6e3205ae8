"""The catalog and brand style guides in Chroma: ingestion, embedding, resolution, retrieval.

retrieval/ imports only copydesk/ (the core): never chains/, generators/ or bot/.
"""
