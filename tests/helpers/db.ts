import { openDatabase, openDatabaseImage, type Db } from '../../src/db/client.js';

let image: Buffer | undefined;

/** A fresh in-memory database migrated from migrations/ (migrated once per worker, then copied). */
export function freshDb(): Db {
  if (!image) {
    const db = openDatabase(':memory:');
    image = db.$client.serialize();
    db.$client.close();
  }
  return openDatabaseImage(image);
}
