//! Name matching: normalisation, transliteration, phonetic keys, similarity and explanations.
//! Pure: no I/O.
