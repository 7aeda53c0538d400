DROP TABLE requests;
DROP TABLE sessions;
DROP TABLE api_tokens;
DROP TABLE users;
