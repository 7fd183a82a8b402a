package main

func sub(a, b int) int { return a - b }
