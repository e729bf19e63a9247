// The keyword model in flash, read in place (no copy). MODEL_PATH comes from the Makefile.
    .section .model, "a"
    .balign 16
    .global kws_model_start
kws_model_start:
    .incbin MODEL_PATH
    .global kws_model_end
kws_model_end:
