"""Models: the text LM, the image pipeline, the device job queue, training.

generators/ imports only copydesk/ (the core): never chains/, retrieval/ or bot/.
"""
