"""LangChain runnables that turn a request into copy: copy, refine, image prompt, verifier, ranker, eval.

chains/ may import retrieval/, generators/ and copydesk/ (the core); never bot/.
"""
