"""Product images: the image-prompt chain and the service that checks limits and runs the image pipeline."""
