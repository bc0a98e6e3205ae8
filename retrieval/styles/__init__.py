"""Brand style guides: Markdown/MDX/text files -> BrandRules (YAML front matter) and heading-sized chunks."""
