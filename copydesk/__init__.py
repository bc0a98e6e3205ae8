"""copydesk's shared core: settings, domain objects and errors used by every layer.

This package sits below bot/, chains/, retrieval/ and generators/: each of them may
import it, and it imports none of them.
"""

__version__ = "0.1.0"
