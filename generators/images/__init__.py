"""Product images with diffusers: one pipeline per process, a device job queue, upload checks, masks.

`pipeline.load_image_generator(settings)` is the entry point; chains hand it `ImageJob`s.
"""
