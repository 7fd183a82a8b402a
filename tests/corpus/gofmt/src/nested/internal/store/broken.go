package store

func broken( {
