-- Balances are a cache of the legs, kept in the same statement as the leg: no code path can post a leg
-- and forget the balance. The CHECK on ledger_accounts then refuses a member, escrow or merchant balance
-- below zero, whatever the code above it did.
CREATE TRIGGER ledger_legs_balance AFTER INSERT ON ledger_legs
BEGIN
  UPDATE ledger_accounts SET balance = balance + NEW.amount WHERE id = NEW.account_id;
END;
--> statement-breakpoint
-- The ledger is a record: corrections are new, reversing transactions.
CREATE TRIGGER ledger_legs_no_update BEFORE UPDATE ON ledger_legs
BEGIN
  SELECT RAISE(ABORT, 'ledger_legs is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER ledger_legs_no_delete BEFORE DELETE ON ledger_legs
BEGIN
  SELECT RAISE(ABORT, 'ledger_legs is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER ledger_transactions_no_update BEFORE UPDATE ON ledger_transactions
BEGIN
  SELECT RAISE(ABORT, 'ledger_transactions is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER ledger_transactions_no_delete BEFORE DELETE ON ledger_transactions
BEGIN
  SELECT RAISE(ABORT, 'ledger_transactions is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER ledger_accounts_no_delete BEFORE DELETE ON ledger_accounts
BEGIN
  SELECT RAISE(ABORT, 'ledger accounts are never deleted');
END;
--> statement-breakpoint
-- Stock is a cache of its movements, the same way; rewards.stock has a CHECK (stock >= 0).
CREATE TRIGGER stock_movements_stock AFTER INSERT ON stock_movements
BEGIN
  UPDATE rewards SET stock = stock + NEW.delta WHERE id = NEW.reward_id;
END;
--> statement-breakpoint
CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements
BEGIN
  SELECT RAISE(ABORT, 'stock_movements is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements
BEGIN
  SELECT RAISE(ABORT, 'stock_movements is append-only');
END;
--> statement-breakpoint
-- A voucher leaves 'issued' once: it cannot be used twice, or used after a refund.
CREATE TRIGGER vouchers_settled_once BEFORE UPDATE OF status ON vouchers
WHEN OLD.status <> 'issued'
BEGIN
  SELECT RAISE(ABORT, 'a voucher that is used, expired or cancelled stays so');
END;
--> statement-breakpoint
CREATE TRIGGER vouchers_no_delete BEFORE DELETE ON vouchers
BEGIN
  SELECT RAISE(ABORT, 'vouchers are never deleted');
END;
--> statement-breakpoint
-- Hours credited are paid: a confirmed or ruled completion is final.
CREATE TRIGGER task_completions_final BEFORE UPDATE OF status ON task_completions
WHEN OLD.status IN ('confirmed', 'ruled')
BEGIN
  SELECT RAISE(ABORT, 'a credited completion is final');
END;
