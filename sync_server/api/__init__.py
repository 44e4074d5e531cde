"""HTTP resources, one router per resource."""
