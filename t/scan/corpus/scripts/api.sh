curl -H 'Authorization: Basic dXNlcjA6cjZpMXVzX0VLdHBOT2c=' https://api.internal/v1/items
curl -H 'Authorization: Basic dXNlcjE6OUU5bmtMJXlxVEIzQ3M=' https://api.internal/v1/items
curl -H 'Authorization: Basic dXNlcjI6b0REYjZVIzdBZDR5YzQ=' https://api.internal/v1/items
curl -H 'Authorization: Basic dXNlcjM6Q25YeGJYX3ZmVkxVMEs=' https://api.internal/v1/items
curl -H 'Authorization: Basic dXNlcjQ6T0ZhcTc4JVRtMnlGbEQ=' https://api.internal/v1/items
curl -H 'Authorization: Basic dXNlcjU6TGdqR0xvI2VZaW0wZTY=' https://api.internal/v1/items
