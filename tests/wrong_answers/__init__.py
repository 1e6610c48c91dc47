"""Known-wrong answers per exercise: each must lose the points of the question it targets."""
