// Placeholder so the target builds until its first real source lands.
