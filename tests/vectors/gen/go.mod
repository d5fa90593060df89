module eventbus/vectors

go 1.21
