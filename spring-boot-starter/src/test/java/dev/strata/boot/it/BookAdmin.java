package dev.strata.boot.it;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Renames a book and then fails, so the whole transaction rolls back. */
@Service
public class BookAdmin {

  private final BookService books;

  BookAdmin(BookService books) {
    this.books = books;
  }

  @Transactional
  public void renameThenFail(long id, String title) {
    books.rename(id, title); // evicts "books"[id] inside this transaction
    throw new IllegalStateException("rolled back on purpose");
  }
}
